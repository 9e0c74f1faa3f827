#include "ColumnFit.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QTableView>

namespace ColumnFit {

namespace {
int headerNeed(const QTableView *view, int column)
{
    return view->horizontalHeader()->sectionSizeHint(column);
}
} // namespace

int needed(const QTableView *view, int column)
{
    // QTableView makes sizeHintForColumn protected; QAbstractItemView's is public.
    return qMax(headerNeed(view, column), static_cast<const QAbstractItemView *>(view)->sizeHintForColumn(column));
}

void fit(QTableView *view, const QList<int> &giveWay, const QHash<int, int> &minimums)
{
    QHeaderView *header = view->horizontalHeader();
    const int columns = header->count();
    QList<int> widths(columns, 0);
    int total = 0;
    for (int c = 0; c < columns; ++c) {
        if (header->isSectionHidden(c))
            continue;
        widths[c] = qMax(needed(view, c), minimums.value(c));
        total += widths[c];
    }
    // The vertical scroll bar takes its width out of the viewport once the rows fill it.
    const int room = view->viewport()->width();
    for (int c : giveWay) {
        if (total <= room)
            break;
        const int cut = qMin(total - room, widths[c] - qMax(headerNeed(view, c), minimums.value(c)));
        if (cut > 0) {
            widths[c] -= cut;
            total -= cut;
        }
    }
    for (int c = 0; c < columns; ++c)
        if (!header->isSectionHidden(c))
            view->setColumnWidth(c, widths[c]);
}

QList<int> clipped(const QTableView *view, const QList<int> &mayElide)
{
    const QHeaderView *header = view->horizontalHeader();
    QList<int> cut;
    int right = 0;
    for (int visual = 0; visual < header->count(); ++visual) {
        const int c = header->logicalIndex(visual);
        if (header->isSectionHidden(c))
            continue;
        const int width = header->sectionSize(c);
        right = header->sectionViewportPosition(c) + width;
        const int need = mayElide.contains(c) ? headerNeed(view, c) : needed(view, c);
        if (width < need || right > view->viewport()->width())
            cut.append(c);
    }
    return cut;
}

} // namespace ColumnFit
