#pragma once

#include "tasks/TaskDetailRows.h"

#include <QWidget>

// The stage timings of a run as one horizontal bar: each stage a segment as wide as its share
// of the run, in pipeline order, named where it fits; the tooltip of a segment gives its time.
class StageTimelineBar final : public QWidget {
    Q_OBJECT
public:
    explicit StageTimelineBar(QWidget *parent = nullptr);

    void setStages(const QList<oa::TaskDetailRows::StageTiming> &stages);
    const QList<oa::TaskDetailRows::StageTiming> &stages() const { return m_stages; }
    // The segment of each stage, in widget coordinates (a zero-length stage gets a sliver).
    QList<QRect> segments() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QList<oa::TaskDetailRows::StageTiming> m_stages;
};
