package dev.trawl.job;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A stored page of a job's result (read model). */
@Entity
@Table(name = "pages")
public class PageRecord extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "job_id")
    public UUID jobId;

    public String url;

    @Column(name = "final_url")
    public String finalUrl;

    @Column(name = "status_code")
    public int statusCode;

    @Column(name = "content_type")
    public String contentType;

    public String title;

    public String description;

    public String text;

    public String[] links;

    public int depth;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metadata;

    public String markdown;

    public String html;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> fields;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> error;

    @Column(name = "skip_reason")
    public String skipReason;

    @Column(name = "fetched_at")
    public OffsetDateTime fetchedAt;
}
