#pragma once

#include "tasks/TaskDetails.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QGridLayout;
class QLabel;
class QPlainTextEdit;
class QScrollArea;
class QStackedWidget;
class QToolButton;
class ResourceChart;
class StageTimelineBar;

// The Details tab: the selected task's summary at the top (outcome with its icon, message, exit
// code, stage, start, duration, the last error line of stderr), then its stage timeline, a
// memory and CPU chart while it runs, and the other rows, each in words and units. The raw
// execution.json and result.json are one click away (Raw JSON). It only lays out what core's
// TaskDetailRows built; it reads no file.
class TaskDetailsView final : public QWidget {
    Q_OBJECT
public:
    using Field = oa::TaskDetailRows::Field;

    explicit TaskDetailsView(QWidget *parent = nullptr);

    // Another task: back to the top, an empty chart. Empty: nothing selected.
    void setTask(const QString &id);
    // New content for the current task: the scroll position stays where it was. When the same
    // rows come back (a running task's refresh every second), their labels are updated in
    // place; the rows are built again only when one appears or goes.
    void setDetails(const oa::TaskDetails &details);

    QString taskId() const { return m_id; }
    bool hasDetails() const { return m_loaded; }
    // What the pane shows, in order, and each row's label and text: for the tests.
    QList<Field> shownFields() const { return m_fields; }
    QString shownLabel(Field field) const;
    QString shownValue(Field field) const;
    QLabel *valueLabel(Field field) const { return m_rowLabels.value(int(field)).second; }
    QLabel *nameLabel(Field field) const; // the row's label; none for the outcome, which heads the pane
    QLabel *outcomeIcon() const { return m_icon; }
    QLabel *outcomeLabel() const { return m_outcome; }
    QScrollArea *scrollArea() const { return m_scroll; }
    QToolButton *rawButton() const { return m_rawButton; }
    QPlainTextEdit *rawView() const { return m_raw; }
    StageTimelineBar *timeline() const { return m_timeline; }
    ResourceChart *chart() const { return m_chart; }

private:
    void fillGrid(QGridLayout *grid, const QList<oa::TaskDetailRows::Row> &rows);
    void updateRows(const QList<oa::TaskDetailRows::Row> &rows, int &position);
    void clearRows();
    static void clearGrid(QGridLayout *grid);
    void fitLabelColumn();
    void tick();

    QString m_id;
    bool m_loaded = false;
    QToolButton *m_rawButton;
    QStackedWidget *m_stack;
    QScrollArea *m_scroll;
    QWidget *m_content;
    QLabel *m_icon;
    QLabel *m_outcome;
    QGridLayout *m_summary;
    QGridLayout *m_body;
    StageTimelineBar *m_timeline;
    QLabel *m_chartTitle;
    ResourceChart *m_chart;
    QPlainTextEdit *m_raw;
    QList<Field> m_fields;
    // Beside m_fields, in its order: the widgets of each row's label (none for the outcome,
    // which heads the pane) and value, updated in place while the rows stay the same.
    struct RowWidgets {
        QLabel *name = nullptr;
        QLabel *value = nullptr;
    };
    QList<RowWidgets> m_rowWidgets;
    QHash<int, std::pair<QString, QLabel *>> m_rowLabels; // by Field: its label, the widget with its value
    QString m_rawText;
    QDateTime m_runStartedAt; // a run in progress: its duration ticks
    QTimer m_tick;
};
