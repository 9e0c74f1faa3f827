#include "StageTimelineBar.h"

#include "tasks/DisplayUnits.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace {
constexpr int kMinSegment = 3; // px: a stage that took 0 ms still shows that it ran

QColor stageColor(int index)
{
    // Distinct hues in pipeline order; Run, where the script's own time goes, is the blue one.
    static const QColor colors[] = {QColor(0x9e, 0x9e, 0x9e), QColor(0x80, 0xcb, 0xc4), QColor(0xa5, 0xd6, 0xa7),
                                    QColor(0xff, 0xcc, 0x80), QColor(0xce, 0x93, 0xd8), QColor(0x64, 0xb5, 0xf6),
                                    QColor(0xbc, 0xaa, 0xa4)};
    return colors[index % int(std::size(colors))];
}
} // namespace

StageTimelineBar::StageTimelineBar(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void StageTimelineBar::setStages(const QList<oa::TaskDetailRows::StageTiming> &stages)
{
    m_stages = stages;
    setVisible(!stages.isEmpty());
    update();
}

QSize StageTimelineBar::sizeHint() const
{
    return {400, fontMetrics().height() + 8};
}

QSize StageTimelineBar::minimumSizeHint() const
{
    return {100, fontMetrics().height() + 8};
}

QList<QRect> StageTimelineBar::segments() const
{
    QList<QRect> out;
    if (m_stages.isEmpty())
        return out;
    qint64 total = 0;
    for (const auto &s : m_stages)
        total += qMax<qint64>(0, s.ms);
    const int slack = width() - kMinSegment * int(m_stages.size());
    int x = 0;
    for (qsizetype i = 0; i < m_stages.size(); ++i) {
        int w = kMinSegment + (total > 0 ? int(double(qMax<qint64>(0, m_stages.at(i).ms)) / double(total) * qMax(0, slack)) : 0);
        if (i == m_stages.size() - 1)
            w = qMax(kMinSegment, width() - x); // rounding: the last one reaches the end
        out.append(QRect(x, 0, w, height()));
        x += w;
    }
    return out;
}

void StageTimelineBar::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QList<QRect> rects = segments();
    for (qsizetype i = 0; i < rects.size(); ++i) {
        const QRect r = rects.at(i);
        painter.fillRect(r.adjusted(0, 0, -1, 0), stageColor(int(i)));
        const QString text = QStringLiteral("%1 %2").arg(m_stages.at(i).label, oa::DisplayUnits::duration(m_stages.at(i).ms));
        const QString fitted = painter.fontMetrics().horizontalAdvance(text) + 6 <= r.width() ? text
                             : painter.fontMetrics().horizontalAdvance(m_stages.at(i).label) + 6 <= r.width() ? m_stages.at(i).label
                                                                                                           : QString();
        if (!fitted.isEmpty()) {
            painter.setPen(Qt::black); // on light fills in either palette
            painter.drawText(r.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, fitted);
        }
    }
}

bool StageTimelineBar::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QList<QRect> rects = segments();
        for (qsizetype i = 0; i < rects.size(); ++i)
            if (rects.at(i).contains(help->pos())) {
                QToolTip::showText(help->globalPos(), tr("%1: %2 (%3 ms)").arg(m_stages.at(i).label, oa::DisplayUnits::duration(m_stages.at(i).ms))
                                                          .arg(m_stages.at(i).ms), this);
                return true;
            }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}
