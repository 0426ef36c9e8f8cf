package dev.tasklane.core;

import java.time.Instant;

/**
 * A process running a lane on the database, as the cluster view shows it.
 *
 * @param id its node id ({@link LaneConfig#nodeId()})
 * @param workers tasks it may run at once (0: it takes requests and runs no tasks)
 * @param startedAt when it started
 * @param lastHeartbeat when it last renewed its row (every {@link LaneConfig#heartbeatInterval()})
 * @param alive true while it stopped neither cleanly nor by going silent for a lease duration
 * @param running tasks running under its lease now
 */
public record Node(String id, int workers, Instant startedAt, Instant lastHeartbeat, boolean alive, long running) {}
