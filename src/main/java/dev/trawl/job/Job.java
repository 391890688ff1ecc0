package dev.trawl.job;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The read model of a job (Hibernate Reactive). Writes never go through the entity: they are the
 * conditional statements of {@link JobStore}.
 */
@Entity
@Table(name = "jobs")
public class Job extends PanacheEntityBase {

    @Id
    public UUID id;

    public String state;

    public String priority;

    public int attempt;

    @Column(name = "created_at")
    public OffsetDateTime createdAt;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> error;

    /** The stored {@link JobSpec} as JSON. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> request;

    @Column(name = "page_count")
    public int pageCount;

    @SuppressWarnings("unchecked")
    public List<String> formats() {
        Object formats = request == null ? null : request.get("formats");
        return formats instanceof List<?> list ? (List<String>) list : List.of();
    }

    public JobState jobState() {
        return JobState.fromWire(state);
    }
}
