#include "FolderSize.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace oa {

qint64 folderSize(const QString &path)
{
    qint64 total = 0;
    QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (!info.isSymLink())
            total += info.size();
    }
    return total;
}

} // namespace oa
