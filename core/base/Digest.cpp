#include "Digest.h"

#include <openssl/evp.h>

#include <optional>

namespace oa {

namespace {

const EVP_MD *libcryptoDigest(QCryptographicHash::Algorithm algorithm)
{
    switch (algorithm) {
    case QCryptographicHash::Sha256:
        return EVP_sha256();
    case QCryptographicHash::Sha384:
        return EVP_sha384();
    case QCryptographicHash::Sha512:
        return EVP_sha512();
    default:
        return nullptr;
    }
}

} // namespace

struct Digest::State {
    struct ContextFree {
        void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
    };
    std::unique_ptr<EVP_MD_CTX, ContextFree> context;
    std::optional<QCryptographicHash> qt; // the algorithms libcrypto is not asked for, or failed at
};

Digest::Digest(QCryptographicHash::Algorithm algorithm)
    : d(std::make_unique<State>())
{
    if (const EVP_MD *md = libcryptoDigest(algorithm)) {
        d->context.reset(EVP_MD_CTX_new());
        // Only a failed allocation makes this fail; Qt's implementation then gives the same bytes.
        if (d->context && EVP_DigestInit_ex(d->context.get(), md, nullptr) != 1)
            d->context.reset();
    }
    if (!d->context)
        d->qt.emplace(algorithm);
}

Digest::~Digest() = default;

void Digest::addData(QByteArrayView data)
{
    if (d->qt)
        d->qt->addData(data);
    else
        EVP_DigestUpdate(d->context.get(), data.data(), size_t(data.size()));
}

QByteArray Digest::result()
{
    if (d->qt)
        return d->qt->result();
    unsigned char bytes[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(d->context.get(), bytes, &length) != 1)
        return {};
    return QByteArray(reinterpret_cast<const char *>(bytes), qsizetype(length));
}

QByteArray Digest::hash(QByteArrayView data, QCryptographicHash::Algorithm algorithm)
{
    Digest digest(algorithm);
    digest.addData(data);
    return digest.result();
}

} // namespace oa
