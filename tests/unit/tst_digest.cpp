// oa::Digest: libcrypto's SHA-2 (wheels, RECORD rows and dependency files are hashed with it)
// gives the standard's answers and QCryptographicHash's bytes, however the data is split.
#include "base/Digest.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>

using oa::Digest;

Q_DECLARE_METATYPE(QCryptographicHash::Algorithm)

class TestDigest : public QObject {
    Q_OBJECT

private slots:
    void knownAnswers_data()
    {
        QTest::addColumn<QCryptographicHash::Algorithm>("algorithm");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("hex");
        // FIPS 180-2's examples.
        QTest::newRow("sha256 abc") << QCryptographicHash::Sha256 << QByteArray("abc")
                                    << QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        QTest::newRow("sha256 empty") << QCryptographicHash::Sha256 << QByteArray()
                                      << QByteArray("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        QTest::newRow("sha256 two blocks") << QCryptographicHash::Sha256 << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                           << QByteArray("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        QTest::newRow("sha384 abc") << QCryptographicHash::Sha384 << QByteArray("abc")
                                    << QByteArray("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                                                  "8086072ba1e7cc2358baeca134c825a7");
        QTest::newRow("sha512 abc") << QCryptographicHash::Sha512 << QByteArray("abc")
                                    << QByteArray("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                                                  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
        // Not libcrypto's here: Qt's own, with the same interface.
        QTest::newRow("md5 abc (Qt's)") << QCryptographicHash::Md5 << QByteArray("abc") << QByteArray("900150983cd24fb0d6963f7d28e17f72");
    }

    void knownAnswers()
    {
        QFETCH(QCryptographicHash::Algorithm, algorithm);
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, hex);
        QCOMPARE(Digest::hash(input, algorithm).toHex(), hex);
        Digest split(algorithm);
        for (qsizetype i = 0; i < input.size(); ++i)
            split.addData(QByteArrayView(input.constData() + i, 1));
        QCOMPARE(split.result().toHex(), hex);
    }

    void sameBytesAsQt_data()
    {
        QTest::addColumn<QCryptographicHash::Algorithm>("algorithm");
        QTest::newRow("sha256") << QCryptographicHash::Sha256;
        QTest::newRow("sha384") << QCryptographicHash::Sha384;
        QTest::newRow("sha512") << QCryptographicHash::Sha512;
    }

    // A few MB in uneven pieces, as a wheel's members stream through WheelArchive.
    void sameBytesAsQt()
    {
        QFETCH(QCryptographicHash::Algorithm, algorithm);
        QByteArray data(3 * 1024 * 1024 + 17, Qt::Uninitialized);
        QRandomGenerator generator(42);
        generator.fillRange(reinterpret_cast<quint32 *>(data.data()), data.size() / 4);
        Digest digest(algorithm);
        for (qsizetype offset = 0, piece = 1; offset < data.size(); offset += piece, piece = piece * 3 % 70001 + 1)
            digest.addData(QByteArrayView(data.constData() + offset, std::min(piece, data.size() - offset)));
        const QByteArray ours = digest.result();
        QCOMPARE(ours, QCryptographicHash::hash(data, algorithm));
        QCOMPARE(ours.size(), QCryptographicHash::hashLength(algorithm));
    }
};

QTEST_GUILESS_MAIN(TestDigest)
#include "tst_digest.moc"
