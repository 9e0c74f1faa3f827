#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QCryptographicHash>

#include <memory>

namespace oa {

// A message digest as QCryptographicHash computes it, by OpenSSL's libcrypto for SHA-256, SHA-384
// and SHA-512. Why not QCryptographicHash: Qt 6.4 hashes SHA-256 in portable C at about 160 MB/s
// on the development VM, where libcrypto uses the CPU's SHA extensions (1.7 GB/s). A cold build of
// the pandas workload hashes about 130 MB (each wheel, and each unpacked file against RECORD):
// nearly a second of CPU with Qt's, 0.1 s with libcrypto's. Other algorithms are Qt's.
class Digest {
public:
    explicit Digest(QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256);
    ~Digest();
    Digest(const Digest &) = delete;
    Digest &operator=(const Digest &) = delete;

    void addData(QByteArrayView data);
    // The raw digest; the object is spent afterwards (as QCryptographicHash::result() is final).
    QByteArray result();

    static QByteArray hash(QByteArrayView data, QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256);

private:
    struct State;
    std::unique_ptr<State> d;
};

} // namespace oa
