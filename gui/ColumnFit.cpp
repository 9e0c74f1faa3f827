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

void fit(QTableView *view, const QList<int> &giveWay, const QHash<int, int> &minimums, const QSet<int> &keep)
{
    QHeaderView *header = view->horizontalHeader();
    const int columns = header->count();
    QList<int> widths(columns, 0);
    int total = 0;
    for (int c = 0; c < columns; ++c) {
        if (header->isSectionHidden(c))
            continue;
        widths[c] = keep.contains(c) ? header->sectionSize(c) : qMax(needed(view, c), minimums.value(c));
        total += widths[c];
    }
    // The vertical scroll bar takes its width out of the viewport once the rows fill it.
    const int room = view->viewport()->width();
    for (int c : giveWay) {
        if (total <= room)
            break;
        if (keep.contains(c))
            continue;
        const int cut = qMin(total - room, widths[c] - qMax(headerNeed(view, c), minimums.value(c)));
        if (cut > 0) {
            widths[c] -= cut;
            total -= cut;
        }
    }
    // A minimum is a wish, not a reason to scroll: where the minimums do not fit either, the same
    // columns, in the same order, go down to what their headers need.
    for (int c : giveWay) {
        if (total <= room)
            break;
        if (keep.contains(c))
            continue;
        const int cut = qMin(total - room, widths[c] - headerNeed(view, c));
        if (cut > 0) {
            widths[c] -= cut;
            total -= cut;
        }
    }
    for (int c = 0; c < columns; ++c)
        if (!header->isSectionHidden(c) && !keep.contains(c))
            view->setColumnWidth(c, widths[c]);
}

Refitter::Refitter(QTableView *view, Fit fit, QList<int> giveWay)
    : QObject(view), m_view(view), m_fit(std::move(fit)), m_giveWay(std::move(giveWay))
{
    m_later.setSingleShot(true);
    m_later.setInterval(300); // the ticking cells change every second: one look per burst of changes
    connect(&m_later, &QTimer::timeout, this, &Refitter::refitIfGrown);
    QAbstractItemModel *model = view->model();
    const auto soon = [this] {
        if (!m_later.isActive())
            m_later.start();
    };
    // New rows (a scan, at most every two seconds) at once, so that a table is never shown unfitted;
    // changed cells (the ticking ages) after a pause.
    connect(model, &QAbstractItemModel::rowsInserted, this, &Refitter::refitIfGrown);
    connect(model, &QAbstractItemModel::modelReset, this, &Refitter::refitIfGrown);
    connect(model, &QAbstractItemModel::layoutChanged, this, &Refitter::refitIfGrown);
    connect(model, &QAbstractItemModel::dataChanged, this, soon);
    // A width the operator drags is theirs from then on.
    connect(view->horizontalHeader(), &QHeaderView::sectionResized, this, [this](int column) {
        if (!m_fitting && m_view->horizontalHeader()->stretchLastSection() && column == m_view->horizontalHeader()->logicalIndex(m_view->horizontalHeader()->count() - 1))
            return; // the stretched last column follows the window, not the operator
        if (!m_fitting)
            m_byHand.insert(column);
    });
}

void Refitter::fitAll()
{
    m_byHand.clear();
    fitKeeping();
}

void Refitter::fitKeeping()
{
    m_fitting = true;
    m_fit(m_byHand);
    m_fitting = false;
}

void Refitter::refitIfGrown()
{
    const QHeaderView *header = m_view->horizontalHeader();
    int total = 0;
    for (int c = 0; c < header->count(); ++c)
        total += header->isSectionHidden(c) ? 0 : header->sectionSize(c);
    const bool full = total >= m_view->viewport()->width();
    const int last = header->logicalIndex(header->count() - 1);
    for (int c = 0; c < header->count(); ++c) {
        if (header->isSectionHidden(c) || m_byHand.contains(c) || (c == last && header->stretchLastSection()))
            continue;
        if (m_giveWay.contains(c) && full)
            continue;
        if (needed(m_view, c) > header->sectionSize(c)) {
            fitKeeping();
            return;
        }
    }
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
