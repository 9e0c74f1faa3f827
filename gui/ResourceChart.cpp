#include "ResourceChart.h"

#include "tasks/DisplayUnits.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

namespace {
constexpr qsizetype kMaxSamples = 3600; // an hour at one a second; older ones drop off the left
}

ResourceChart::ResourceChart(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMinimumHeight(90);
}

QSize ResourceChart::sizeHint() const
{
    return {400, 110};
}

void ResourceChart::addSample(const Sample &sample)
{
    if (!m_samples.isEmpty() && m_samples.constLast().at == sample.at)
        return;
    if (!m_samples.isEmpty() && sample.at.isValid() && m_samples.constLast().at.isValid() && sample.at < m_samples.constLast().at)
        m_samples.clear(); // a new run of the same ID started over
    m_samples.append(sample);
    if (m_samples.size() > kMaxSamples)
        m_samples.remove(0, m_samples.size() - kMaxSamples);
    update();
}

void ResourceChart::clear()
{
    m_samples.clear();
    update();
}

double ResourceChart::cpuPercent(qsizetype i) const
{
    if (i <= 0 || i >= m_samples.size())
        return 0;
    const Sample &a = m_samples.at(i - 1);
    const Sample &b = m_samples.at(i);
    const qint64 ms = a.at.msecsTo(b.at);
    return ms > 0 ? qMax(0.0, (b.cpuSeconds - a.cpuSeconds) * 100000.0 / double(ms)) : 0;
}

void ResourceChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const int legend = fontMetrics().height() + 4;
    const QRect plot = rect().adjusted(1, legend, -1, -1);
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(plot);
    const QColor memoryColor(0x42, 0x85, 0xf4);
    const QColor cpuColor(0xe6, 0x7c, 0x17);
    if (m_samples.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(plot, Qt::AlignCenter, tr("Memory and CPU appear here while the selected task runs."));
        return;
    }
    qint64 maxMemory = 1;
    double maxCpu = 100;
    for (qsizetype i = 0; i < m_samples.size(); ++i) {
        maxMemory = qMax(maxMemory, m_samples.at(i).memoryBytes);
        maxCpu = qMax(maxCpu, cpuPercent(i));
    }
    const qsizetype n = m_samples.size();
    const auto xAt = [&](qsizetype i) { return plot.left() + (n == 1 ? plot.width() : double(i) * plot.width() / double(n - 1)); };
    QPainterPath memory;
    memory.moveTo(xAt(0), plot.bottom());
    for (qsizetype i = 0; i < n; ++i)
        memory.lineTo(xAt(i), plot.bottom() - double(m_samples.at(i).memoryBytes) / double(maxMemory) * (plot.height() - 2));
    memory.lineTo(xAt(n - 1), plot.bottom());
    memory.closeSubpath();
    QColor fill = memoryColor;
    fill.setAlpha(90);
    painter.fillPath(memory, fill);
    if (n > 1) {
        QPainterPath cpu;
        for (qsizetype i = 1; i < n; ++i) {
            const QPointF p(xAt(i), plot.bottom() - cpuPercent(i) / maxCpu * (plot.height() - 2));
            if (i == 1)
                cpu.moveTo(p);
            else
                cpu.lineTo(p);
        }
        painter.setPen(QPen(cpuColor, 1.5));
        painter.drawPath(cpu);
    }
    const Sample &last = m_samples.constLast();
    painter.setPen(memoryColor.darker(130));
    const QString memoryText = tr("Memory %1 (max %2)").arg(oa::DisplayUnits::mebibytes(last.memoryBytes), oa::DisplayUnits::mebibytes(maxMemory));
    painter.drawText(QRect(0, 0, width() / 2, legend), Qt::AlignLeft | Qt::AlignVCenter, memoryText);
    painter.setPen(cpuColor.darker(130));
    const QString cpuText = tr("CPU %1 % of one core, %2 in all").arg(QLocale().toString(cpuPercent(n - 1), 'f', 0), oa::DisplayUnits::cpuSeconds(last.cpuSeconds));
    painter.drawText(QRect(width() / 2, 0, width() / 2, legend), Qt::AlignRight | Qt::AlignVCenter, cpuText);
}
