#pragma once

#include <QAbstractTableModel>
#include <QList>

#include <algorithm>

// A table model over rows with a unique key, updated by merging a fresh snapshot into the rows
// it has: rows that went away are removed, new ones inserted, changed ones reported with
// dataChanged(). Views keep their selection and scroll position through a refresh, which a
// model reset would throw away. `KeyOf` maps a row to its key; rows are kept sorted by key.
template <typename Row, typename KeyOf>
class KeyedRowsModel : public QAbstractTableModel {
public:
    explicit KeyedRowsModel(QObject *parent = nullptr) : QAbstractTableModel(parent) {}

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    const QList<Row> &rows() const { return m_rows; }
    const Row *rowAt(int row) const { return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr; }
    int rowOf(const decltype(KeyOf{}(std::declval<Row>())) &key) const
    {
        for (int i = 0; i < m_rows.size(); ++i)
            if (KeyOf{}(m_rows.at(i)) == key)
                return i;
        return -1;
    }

    void setRows(QList<Row> fresh)
    {
        const KeyOf key;
        std::sort(fresh.begin(), fresh.end(), [&](const Row &a, const Row &b) { return key(a) < key(b); });
        qsizetype i = 0, j = 0;
        while (i < m_rows.size() || j < fresh.size()) {
            const bool onlyOld = j >= fresh.size();
            const bool onlyNew = i >= m_rows.size();
            if (!onlyOld && !onlyNew && key(m_rows.at(i)) == key(fresh.at(j))) {
                if (!(m_rows.at(i) == fresh.at(j))) {
                    m_rows[i] = fresh.at(j);
                    emit dataChanged(index(int(i), 0), index(int(i), columnCount() - 1));
                }
                ++i;
                ++j;
            } else if (onlyNew || (!onlyOld && key(fresh.at(j)) < key(m_rows.at(i)))) {
                qsizetype end = j;
                while (end < fresh.size() && (onlyNew || key(fresh.at(end)) < key(m_rows.at(i))))
                    ++end;
                beginInsertRows({}, int(i), int(i + end - j - 1));
                for (qsizetype k = j; k < end; ++k)
                    m_rows.insert(i + (k - j), fresh.at(k));
                endInsertRows();
                i += end - j;
                j = end;
            } else {
                qsizetype end = i;
                while (end < m_rows.size() && (onlyOld || key(m_rows.at(end)) < key(fresh.at(j))))
                    ++end;
                beginRemoveRows({}, int(i), int(end - 1));
                m_rows.remove(i, end - i);
                endRemoveRows();
            }
        }
    }

protected:
    QList<Row> m_rows;
};
