package dev.aegis.orchestrator.dashboard;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's live stream ({@code aegis.dashboard.*}).
 *
 * @param tick how often the ticker reads what changed and broadcasts it; longer, up to the
 *     heartbeat's interval, while those reads take more than a tenth of the time
 * @param heartbeat how often an idle stream gets a {@code heartbeat} event (also how a dead client
 *     is noticed)
 * @param maxClients connected streams at most; one more is answered 503 with {@code Retry-After}
 * @param maxPerPrincipal connected streams of one principal at most; one more is answered 429
 * @param allowedOrigins origins besides the server's own that may open a stream (an {@code Origin}
 *     header naming any other is refused with 403)
 * @param emitterTimeout how long one stream stays open before the browser reconnects (and gets a
 *     fresh snapshot)
 * @param maxQueuedEvents events waiting for one slow client at most; beyond, it is disconnected (it
 *     reconnects and starts again from a snapshot) rather than holding memory for it
 * @param overlap how far back each tick re-reads rows stamped by time, for transactions that commit
 *     late
 * @param snapshotSize how many recent experiments a new stream gets (live ones always)
 */
@ConfigurationProperties("aegis.dashboard")
public record DashboardProperties(
    @DefaultValue("500ms") Duration tick,
    @DefaultValue("15s") Duration heartbeat,
    @DefaultValue("64") int maxClients,
    @DefaultValue("30m") Duration emitterTimeout,
    @DefaultValue("1000") int maxQueuedEvents,
    @DefaultValue("10s") Duration overlap,
    @DefaultValue("100") int snapshotSize,
    @DefaultValue("4") int maxPerPrincipal,
    @DefaultValue({}) List<String> allowedOrigins) {}
