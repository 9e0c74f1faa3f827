#include "TaskDetailsView.h"

#include "tasks/DisplayUnits.h"
#include "ResourceChart.h"
#include "StageTimelineBar.h"
#include "StateStyle.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

TaskDetailsView::TaskDetailsView(QWidget *parent) : QWidget(parent)
{
    m_rawButton = new QToolButton(this);
    m_rawButton->setText(tr("Ra&w JSON"));
    m_rawButton->setToolTip(tr("Show execution.json and result.json as they are on disk"));
    m_rawButton->setCheckable(true);
    m_rawButton->setAutoRaise(true);

    m_content = new QWidget;
    m_icon = new QLabel(m_content);
    m_outcome = new QLabel(m_content);
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_outcome->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_outcome->setFont(bold);
    m_summary = new QGridLayout;
    m_summary->setColumnStretch(1, 1);
    m_summary->setHorizontalSpacing(12);
    m_body = new QGridLayout;
    m_body->setColumnStretch(1, 1);
    m_body->setHorizontalSpacing(12);
    m_timeline = new StageTimelineBar(m_content);
    m_timeline->hide();
    m_chartTitle = new QLabel(tr("Memory and CPU while selected"), m_content);
    m_chart = new ResourceChart(m_content);
    auto *header = new QHBoxLayout;
    header->addWidget(m_icon);
    header->addWidget(m_outcome, 1);
    auto *column = new QVBoxLayout(m_content);
    column->addLayout(header);
    column->addLayout(m_summary);
    column->addWidget(m_timeline);
    column->addWidget(m_chartTitle);
    column->addWidget(m_chart);
    column->addLayout(m_body);
    column->addStretch(1);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(m_content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);

    m_raw = new QPlainTextEdit(this);
    m_raw->setReadOnly(true);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_scroll);
    m_stack->addWidget(m_raw);
    connect(m_rawButton, &QToolButton::toggled, m_stack, [this](bool raw) { m_stack->setCurrentIndex(raw ? 1 : 0); });

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addStretch(1);
    bar->addWidget(m_rawButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &TaskDetailsView::tick);
    setTask(QString());
}

void TaskDetailsView::setTask(const QString &id)
{
    m_id = id;
    m_loaded = false;
    m_runStartedAt = QDateTime();
    m_tick.stop();
    clearRows();
    m_icon->clear();
    m_outcome->clear();
    m_timeline->setStages({});
    m_chart->clear();
    m_chart->hide();
    m_chartTitle->hide();
    m_raw->clear();
    m_rawText.clear();
    // Another task starts at its top, not where the last one was scrolled to.
    m_scroll->verticalScrollBar()->setValue(0);
    m_raw->verticalScrollBar()->setValue(0);
}

void TaskDetailsView::clearGrid(QGridLayout *grid)
{
    while (QLayoutItem *item = grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    grid->invalidate();
}

void TaskDetailsView::clearRows()
{
    clearGrid(m_summary);
    clearGrid(m_body);
    m_fields.clear();
    m_rowWidgets.clear();
    m_rowLabels.clear();
}

void TaskDetailsView::fillGrid(QGridLayout *grid, const QList<oa::TaskDetailRows::Row> &rows)
{
    int r = 0; // a cleared grid keeps its rowCount(): count afresh
    for (const oa::TaskDetailRows::Row &row : rows) {
        auto *label = new QLabel(row.label, m_content);
        label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setStyleSheet(QStringLiteral("color: palette(dark)"));
        auto *value = new QLabel(row.value, m_content);
        value->setTextFormat(Qt::PlainText);
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setToolTip(row.toolTip);
        grid->addWidget(label, r, 0);
        grid->addWidget(value, r, 1);
        m_fields.append(row.field);
        m_rowWidgets.append(RowWidgets{label, value});
        m_rowLabels.insert(int(row.field), {row.label, value});
        ++r;
    }
}

void TaskDetailsView::updateRows(const QList<oa::TaskDetailRows::Row> &rows, int &position)
{
    // QLabel repaints and lays out only for text that really changed; a selection made in a
    // value survives a refresh that does not change it.
    for (const oa::TaskDetailRows::Row &row : rows) {
        const RowWidgets &widgets = m_rowWidgets.at(position++);
        widgets.name->setText(row.label);
        widgets.value->setText(row.value);
        widgets.value->setToolTip(row.toolTip);
        m_rowLabels[int(row.field)].first = row.label;
    }
}

void TaskDetailsView::fitLabelColumn()
{
    // Two grids, one column of labels: both as wide as the widest label.
    int labelWidth = 0;
    for (QGridLayout *grid : {m_summary, m_body})
        for (int r = 0; r < grid->rowCount(); ++r)
            if (QLayoutItem *item = grid->itemAtPosition(r, 0); item && item->widget()) // not shown yet: ask the widget
                labelWidth = qMax(labelWidth, item->widget()->sizeHint().width());
    m_summary->setColumnMinimumWidth(0, labelWidth);
    m_body->setColumnMinimumWidth(0, labelWidth);
}

void TaskDetailsView::setDetails(const oa::TaskDetails &details)
{
    if (details.id != m_id)
        return; // a late load for a task no longer shown
    const int scroll = m_scroll->verticalScrollBar()->value();
    const int rawScroll = m_raw->verticalScrollBar()->value();

    // The outcome heads the pane with the state's icon; a task without a result shows its state.
    QList<oa::TaskDetailRows::Row> summary = details.rows.summary;
    std::optional<oa::TaskDetailRows::Row> outcome;
    if (!summary.isEmpty() && summary.first().field == Field::Outcome)
        outcome = summary.takeFirst();
    QList<Field> fields;
    if (outcome)
        fields.append(Field::Outcome);
    for (const oa::TaskDetailRows::Row &row : summary)
        fields.append(row.field);
    for (const oa::TaskDetailRows::Row &row : details.rows.rows)
        fields.append(row.field);
    // The same rows as shown: new values into the labels there are. Otherwise built afresh.
    const bool inPlace = m_loaded && fields == m_fields;
    if (!inPlace)
        clearRows();

    if (outcome) {
        m_outcome->setText(outcome->value.isEmpty() ? StateStyle::label(details.state) : outcome->value);
        m_outcome->setToolTip(outcome->toolTip);
        if (!inPlace) {
            m_fields.append(Field::Outcome);
            m_rowWidgets.append(RowWidgets{nullptr, m_outcome});
        }
        m_rowLabels.insert(int(Field::Outcome), {outcome->label, m_outcome});
    }
    m_icon->setPixmap(StateStyle::icon(details.state).pixmap(16, 16));
    if (inPlace) {
        int position = outcome ? 1 : 0;
        updateRows(summary, position);
        updateRows(details.rows.rows, position);
    } else {
        fillGrid(m_summary, summary);
        if (QLabel *error = m_rowLabels.value(int(Field::LastError)).second)
            error->setStyleSheet(QStringLiteral("color: %1").arg(StateStyle::color(oa::TaskState::Failed).name()));
        fillGrid(m_body, details.rows.rows);
    }
    m_timeline->setStages(details.rows.stages);
    fitLabelColumn();

    // The chart collects what the monitor sees of this run while it stays selected, and only of
    // a live one: an Interrupted or Orphaned run's last status is no curve.
    const bool live = details.state == oa::TaskState::Running && details.generation == oa::AgentPaths::Generation::Current;
    if (live && details.status && details.status->updatedAt.isValid())
        m_chart->addSample({details.status->updatedAt, details.status->memoryBytes, details.status->cpuSeconds});
    const bool chart = live && !m_chart->samples().isEmpty();
    m_chart->setVisible(chart);
    m_chartTitle->setVisible(chart);

    const QString raw = QStringLiteral("execution.json\n\n%1\n\nresult.json\n\n%2")
                            .arg(details.rawExecution, details.rawResult.isEmpty() ? tr("(none yet)") : details.rawResult);
    if (raw != m_rawText) { // setPlainText() lays the whole document out again
        m_rawText = raw;
        m_raw->setPlainText(raw);
    }
    m_runStartedAt = details.state == oa::TaskState::Running ? details.runStartedAt : QDateTime();
    if (m_runStartedAt.isValid())
        m_tick.start();
    else
        m_tick.stop();
    m_loaded = true;
    // The same task, refreshed: stay where the reader was.
    m_content->layout()->activate();
    m_scroll->verticalScrollBar()->setValue(scroll);
    m_raw->verticalScrollBar()->setValue(rawScroll);
}

void TaskDetailsView::tick()
{
    if (QLabel *duration = m_rowLabels.value(int(Field::Duration)).second; duration && m_runStartedAt.isValid())
        duration->setText(oa::DisplayUnits::duration(m_runStartedAt.msecsTo(QDateTime::currentDateTimeUtc())));
}

QString TaskDetailsView::shownLabel(Field field) const
{
    return m_rowLabels.value(int(field)).first;
}

QString TaskDetailsView::shownValue(Field field) const
{
    const auto pair = m_rowLabels.value(int(field));
    return pair.second ? pair.second->text() : QString();
}

QLabel *TaskDetailsView::nameLabel(Field field) const
{
    const qsizetype i = m_fields.indexOf(field);
    return i < 0 ? nullptr : m_rowWidgets.at(i).name;
}
