#pragma once

#include "Leftovers.h"

#include <QWidget>

#include <functional>

class LeftoverTableModel;
class QLabel;
class QPushButton;
class QTableView;

// The Leftovers tab: venvs/ and Temp/ folders that belong to no running task, with their
// sizes, and a confirmed cleanup of the selected ones (or all).
class LeftoversPanel final : public QWidget {
    Q_OBJECT
public:
    explicit LeftoversPanel(QWidget *parent = nullptr);

    void setLeftovers(const QString &baseDir, const QList<oa::Leftover> &leftovers);
    LeftoverTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }

    std::function<bool(const QString &title, const QString &text)> confirm;

public slots:
    void cleanUp();

signals:
    void leftoversChanged();
    void message(const QString &text);

private:
    QString m_baseDir;
    LeftoverTableModel *m_model;
    QTableView *m_view;
    QLabel *m_total;
    QPushButton *m_clean;
};
