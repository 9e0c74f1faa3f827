#pragma once

#include "config/ExecutorSettings.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

// The executor's command line: its options, and which of them are settings (ExecutorSettings
// takes those, with the environment and executor.conf, and decides which one wins).
struct CommandLine {
    CommandLine();

    // The options that were given, as inputs to ExecutorSettings::load().
    oa::ExecutorSettings::Inputs settingsInputs() const;
    static QString usage();

    QCommandLineParser parser;
    const QCommandLineOption config;
    const QCommandLineOption showConfig;
    const QCommandLineOption baseDir;
    const QCommandLineOption python;
    const QCommandLineOption pythons;
    const QCommandLineOption requireHashes;
    const QCommandLineOption keepVenv;
    const QCommandLineOption list;
    const QCommandLineOption locks;
    const QCommandLineOption clearOrphaned;
    const QCommandLineOption clearLock;
    const QCommandLineOption force;
    const QCommandLineOption timeout;
    const QCommandLineOption grace;
    const QCommandLineOption cancel;
    const QCommandLineOption wait;
    const QCommandLineOption noCache;
    const QCommandLineOption cacheDir;
    const QCommandLineOption cacheAge;
    const QCommandLineOption cacheSize;
    const QCommandLineOption listCache;
    const QCommandLineOption pruneCache;
    const QCommandLineOption clearCache;
    const QCommandLineOption runAs;
    const QCommandLineOption sandbox;
    const QCommandLineOption whichRuns;
    const QCommandLineOption history;
    const QCommandLineOption json;
};
