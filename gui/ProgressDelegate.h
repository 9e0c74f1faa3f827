#pragma once

#include <QStyledItemDelegate>

// Draws the Progress column of a running task as a progress bar with its stage and message.
class ProgressDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static constexpr int kTextMargin = 4;
    // The text drawn on a bar `barWidth` pixels wide: elided so that it stays inside the bar.
    static QString barText(const QFontMetrics &metrics, const QString &text, int barWidth);
};
