#pragma once

#include <QDateTime>
#include <QList>
#include <QWidget>

// Memory and CPU of a running task over time, from the status.json samples the monitor saw
// while the task was selected (it keeps no history of its own before that): memory as a filled
// area on a MiB scale, CPU as a line in percent of one core, derived from the CPU seconds
// between two samples.
class ResourceChart final : public QWidget {
    Q_OBJECT
public:
    struct Sample {
        QDateTime at;
        qint64 memoryBytes = 0;
        double cpuSeconds = 0;
    };

    explicit ResourceChart(QWidget *parent = nullptr);

    // A sample with the same time as the last one is the same status.json: ignored.
    void addSample(const Sample &sample);
    void clear();
    const QList<Sample> &samples() const { return m_samples; }
    // CPU use between sample i-1 and i, in percent of one core; 0 for the first.
    double cpuPercent(qsizetype i) const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<Sample> m_samples;
};
