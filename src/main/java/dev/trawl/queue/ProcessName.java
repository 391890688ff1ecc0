package dev.trawl.queue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Names this process: a pod's host name is unique and stable for its life; the pid separates processes on one host. */
public final class ProcessName {

    private ProcessName() {}

    public static String hostAndPid() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(h -> !h.isBlank())
                .orElseGet(() -> {
                    try {
                        return InetAddress.getLocalHost().getHostName();
                    } catch (UnknownHostException e) {
                        return "worker";
                    }
                });
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
