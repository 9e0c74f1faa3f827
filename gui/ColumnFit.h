#pragma once

#include <QHash>
#include <QList>

class QTableView;

// Fits a table's columns into its view, so that at the default window size (1280×800) nothing
// is cut off and nothing has to be scrolled to: each column gets what its header and its rows
// need, and when the sum is wider than the view, the free-text columns named in `giveWay` give
// width back first, in that order, never below what their header needs. Their text then elides,
// and their tooltips hold the whole of it. The last column stretches into what is left.
namespace ColumnFit {

// What a column needs: its header's text, and its widest visible cell.
int needed(const QTableView *view, int column);
// `minimums`: columns that need more than their text, e.g. a progress bar, by column.
void fit(QTableView *view, const QList<int> &giveWay, const QHash<int, int> &minimums = {});
// The columns whose content or header is cut off or wider than the view shows: for the tests.
QList<int> clipped(const QTableView *view, const QList<int> &mayElide);

} // namespace ColumnFit
