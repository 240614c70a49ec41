package dev.upstreamguard.filter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** Captures what the filter logs through java.util.logging. */
final class CapturedLog extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger(UpstreamFailureLog.LOGGER_NAME);
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    CapturedLog() {
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    List<String> messages() {
        return records.stream().map(LogRecord::getMessage).collect(Collectors.toList());
    }

    List<LogRecord> records() {
        return records;
    }

    void clear() {
        records.clear();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
