#pragma once

#include <QAbstractItemModel>
#include <QTimer>

#include <functional>

// Cells whose text follows the clock (a running task's duration, a lock's age) change without
// any file changing, so no refresh repaints them. This emits dataChanged once a second for those
// cells only: `ticks(row)` says which rows, `columns` which columns. Consecutive rows go out as
// one range, so a table of 500 tasks with 3 running sends a handful of signals.
class ClockTicker final : public QObject {
    Q_OBJECT
public:
    ClockTicker(QAbstractItemModel *model, std::function<bool(int row)> ticks, QList<int> columns, int intervalMs = 1000)
        : QObject(model), m_model(model), m_ticks(std::move(ticks)), m_columns(std::move(columns))
    {
        m_timer.setInterval(intervalMs);
        connect(&m_timer, &QTimer::timeout, this, &ClockTicker::tick);
        m_timer.start();
    }

    void tick()
    {
        const int rows = m_model->rowCount();
        for (int first = 0; first < rows;) {
            if (!m_ticks(first)) {
                ++first;
                continue;
            }
            int last = first;
            while (last + 1 < rows && m_ticks(last + 1))
                ++last;
            for (const int column : std::as_const(m_columns))
                emit m_model->dataChanged(m_model->index(first, column), m_model->index(last, column), {Qt::DisplayRole});
            first = last + 1;
        }
    }

private:
    QAbstractItemModel *m_model;
    std::function<bool(int)> m_ticks;
    QList<int> m_columns;
    QTimer m_timer;
};
