#include "RunSelector.h"

#include <QStyleOptionComboBox>
#include <QStylePainter>

RunSelector::RunSelector(QWidget *parent) : QComboBox(parent)
{
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
}

QSize RunSelector::sizeHint() const
{
    // As wide as the widest short text, not the widest entry: the entries are read in the list.
    int width = fontMetrics().horizontalAdvance(QStringLiteral("0000-00-00 00:00:00 XXXX"));
    for (int i = 0; i < count(); ++i)
        width = qMax(width, fontMetrics().horizontalAdvance(itemData(i, ShortTextRole).toString()));
    QStyleOptionComboBox option;
    initStyleOption(&option);
    return style()->sizeFromContents(QStyle::CT_ComboBox, &option, QSize(width, fontMetrics().height()), this);
}

void RunSelector::paintEvent(QPaintEvent *)
{
    QStylePainter painter(this);
    QStyleOptionComboBox option;
    initStyleOption(&option);
    painter.drawComplexControl(QStyle::CC_ComboBox, option);
    const QString shortText = currentData(ShortTextRole).toString();
    if (!shortText.isEmpty())
        option.currentText = shortText;
    painter.drawControl(QStyle::CE_ComboBoxLabel, option);
}
