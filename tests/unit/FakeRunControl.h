#pragma once

#include "process/ChildProcess.h"

#include <QList>

// A RunControl for in-process tests of the run stages: it counts the ticks and the groups it was
// asked about, and asks for a stop (a cancel, at once) when `stopAll` is set.
class FakeRunControl final : public oa::RunControl {
public:
    std::optional<oa::StopRequest> check(qint64 processGroup) override
    {
        ++checks;
        groups.append(processGroup);
        if (!stopAll)
            return std::nullopt;
        return oa::StopRequest{oa::ErrorKind::Cancelled, QStringLiteral("cancelled by the test"), true};
    }
    qint64 graceMs() const override { return 1000; }

    bool stopAll = false;
    int checks = 0;
    QList<qint64> groups;
};
