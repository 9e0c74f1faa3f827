#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

class QTableView;

// Fits a table's columns into its view, so that at the default window size (1280×800) nothing
// is cut off and nothing has to be scrolled to: each column gets what its header and its rows
// need, and when the sum is wider than the view, the free-text columns named in `giveWay` give
// width back first, in that order, down to their `minimums`, and then, if that is still too
// wide, in the same order down to what their header needs. Their text then elides,
// and their tooltips hold the whole of it. The last column stretches into what is left.
namespace ColumnFit {

// What a column needs: its header's text, and its widest visible cell.
int needed(const QTableView *view, int column);
// `minimums`, by column: the least a column keeps while others can still give way: a progress
// bar's room (more than its text may need), or the part of a long text worth keeping. `keep`:
// columns whose width the operator set by hand, left as they are.
void fit(QTableView *view, const QList<int> &giveWay, const QHash<int, int> &minimums = {}, const QSet<int> &keep = {});
// The columns whose content or header is cut off or wider than the view shows: for the tests.
QList<int> clipped(const QTableView *view, const QList<int> &mayElide);

// Fits a table's columns again when their content grows (a lock's age from "3 s" to "3 min",
// a longer ID, a translated kind): after rows arrive or cells change, at most every 300 ms, a
// column whose cells need more than it has runs `fit` again. A column the operator resized by
// hand is never touched again (ColumnFit::fit's `keep`); one that gives way in a narrow window
// (`giveWay`) is not a reason to fit while the columns already fill the view.
class Refitter final : public QObject {
    Q_OBJECT
public:
    using Fit = std::function<void(const QSet<int> &keep)>;
    Refitter(QTableView *view, Fit fit, QList<int> giveWay = {});

    // Fits now (the first data, View › Fit columns: the operator's own widths are forgotten).
    void fitAll();
    const QSet<int> &resizedByHand() const { return m_byHand; }
    // What the timer does after a change: fit again if a column's cells need more than it has.
    void refitIfGrown();
    // Widths restored from the settings are the last session's fit as much as the operator's.
    void forgetHandWidths() { m_byHand.clear(); }

private:
    void fitKeeping();

    QTableView *m_view;
    Fit m_fit;
    QList<int> m_giveWay;
    QSet<int> m_byHand;
    QTimer m_later;
    bool m_fitting = false;
};

} // namespace ColumnFit
