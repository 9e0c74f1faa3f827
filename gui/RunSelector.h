#pragma once

#include <QComboBox>

// The detail pane's choice of run: a combo box whose list shows each run in full (start, outcome
// and reason) and whose closed face shows the chosen run's short text (start and outcome, the
// item's ShortTextRole), so that it fits the tab bar's corner and its list is as wide as the
// entries need (QComboBox widens its popup to its contents).
class RunSelector final : public QComboBox {
    Q_OBJECT
public:
    static constexpr int ShortTextRole = Qt::UserRole + 1; // Qt::UserRole holds the generation

    explicit RunSelector(QWidget *parent = nullptr);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;
};
