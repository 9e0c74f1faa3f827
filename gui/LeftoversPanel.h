#pragma once

#include "Leftovers.h"

#include <QWidget>

#include <functional>

class LeftoverTableModel;
class QLabel;
class QPushButton;
class QTableView;

// The Leftovers tab: venvs/ and Temp/ folders that belong to no running task, with their
// sizes, and a confirmed cleanup of the selected ones (or all); and clearing the environment
// cache, whose immutable files an administrator's rm -rf cannot remove.
class LeftoversPanel final : public QWidget {
    Q_OBJECT
public:
    explicit LeftoversPanel(QWidget *parent = nullptr);

    void setLeftovers(const QString &baseDir, const QList<oa::Leftover> &leftovers);
    // The environment cache under the agent folder, as the last scan found it.
    void setCache(int entries, qint64 bytes);
    LeftoverTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPushButton *clearCacheButton() const { return m_clearCache; }

    std::function<bool(const QString &title, const QString &text)> confirm;

public slots:
    void cleanUp();
    // Removes every cached environment no running task uses (EnvironmentCache::clear).
    void clearEnvironmentCache();

signals:
    void leftoversChanged();
    void message(const QString &text);

private:
    QString m_baseDir;
    LeftoverTableModel *m_model;
    QTableView *m_view;
    QLabel *m_total;
    QPushButton *m_clean;
    QPushButton *m_clearCache;
    int m_cacheEntries = 0;
    qint64 m_cacheBytes = 0;
};
