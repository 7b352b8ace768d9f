"""Per-platform incident material for the large scenario: what each platform is called in text, the named
things of a team that run on it, and incident cases (a title, what the investigation found, how it was fixed).

A case's three texts belong together, so an item's finding comment and its resolution note fit its title.
Placeholders: {P} the platform's name, {x} one of its things (already naming a team), {team}, {n}, {hour}.
"""

from __future__ import annotations

LABELS = {"databricks-workspace": "Databricks workspace", "sql-warehouse": "SQL warehouse",
          "unity-catalog": "Unity Catalog", "jobs": "Databricks Jobs", "delta-live-tables": "Delta Live Tables",
          "mlflow": "MLflow", "kafka": "Kafka", "airflow": "Airflow"}

# {t}: the team as an identifier (customer_360), {s}: what the thing is about (invoices)
SUBJECTS = ["events", "orders", "invoices", "sessions", "clicks", "accounts", "ledger", "inventory", "shipments",
            "claims", "features", "payouts", "refunds", "leads", "prices", "returns"]
THINGS = {
    "kafka": ["the {t}.{s} topic", "the {t}-{s} consumer group", "the {t}_{s} S3 sink connector",
              "the {t}.{s}.changes topic", "the {t}-{s} enricher stream"],
    "airflow": ["the {t}_{s}_daily DAG", "the {t}_{s}_hourly DAG", "the {t}_{s}_backfill DAG", "the {t}_{s}_load DAG",
                "the {t}_{s}_sensor DAG"],
    "mlflow": ["the {t}-{s} scoring model", "the {t}-{s} forecast model", "the {t}_{s} experiments",
               "the {t}-{s} ranker endpoint", "the {t}-{s} anomaly model"],
    "sql-warehouse": ["the {t} {s} dashboard", "the {t}-{s} BI warehouse", "the {t} {s} report", "the {t} {s} alert",
                      "the {t}-{s} ad-hoc warehouse"],
    "unity-catalog": ["the {t}.{s} table", "the {t}.gold.{s} table", "the {t}_raw.{s} volume",
                      "the {t}.curated.{s} view", "the {t}.features.{s} table"],
    "jobs": ["the {t}_{s}_nightly job", "the {t}_{s}_ingest job", "the {t}_{s}_export job",
             "the {t}_{s}_compaction job", "the {t}_{s}_snapshot job"],
    "delta-live-tables": ["the {t}_{s}_bronze pipeline", "the {t}_{s}_silver pipeline", "the {t}_{s}_cdc pipeline",
                          "the {t}_{s}_quality pipeline", "the {t}_{s}_gold pipeline"],
    "databricks-workspace": ["the {t}-{s} cluster", "the {t} {s} notebooks", "the {t}-{s} cluster policy",
                             "the {t} {s} repo", "the {t}-{s} init script"],
}
GENERIC_THINGS = ["the {t} {s} service", "the {t} {s} integration", "the {t} {s} workload", "the {t} {s} export"]

# (title, finding, resolution)
CASES = {
    "kafka": [
        ("{P} consumer lag growing on {x}", "The consumer group rebalances every few minutes: one batch takes "
         "longer than max.poll.interval.ms.", "max.poll.interval.ms raised and batches made smaller; lag back "
         "under 1 000 messages within the hour."),
        ("{P} producers time out writing to {x}", "Broker 3 ran out of disk and its partitions lost their leader.",
         "Retention shortened on the busiest topics and broker 3's disk grown; producers recovered."),
        ("Messages for {x} rejected as too large by {P}", "Some payloads are over 1 MB since a blob field was "
         "added upstream.", "max.message.bytes raised to 4 MB for the topic and the producer compresses with zstd."),
        ("{P} schema registry refuses the new schema of {x}", "The change drops a field without a default, which "
         "is not backward compatible.", "Field restored with a default; the new schema version registered."),
        ("Duplicate records from {x} after the {P} broker restart", "The producer retries without idempotence.",
         "enable.idempotence turned on; no duplicates since."),
    ],
    "airflow": [
        ("{P} scheduler does not start {x}", "The metadata database refuses connections: the pool is exhausted.",
         "Connection pool raised from 50 to 200 and the scheduler restarted; the missed runs caught up."),
        ("{x} on {P} missed its SLA by {n} hours", "A sensor waited on a partition that arrived late upstream.",
         "Sensor switched to reschedule mode with a timeout; the run finished after the late partition landed."),
        ("{P} tasks of {x} stuck in queued", "All worker slots are taken by a backfill started by hand.",
         "Backfill moved to its own pool with 4 slots; queued tasks started within minutes."),
        ("{x} fails on {P} after the provider upgrade", "The new provider renamed an operator argument.",
         "DAG updated to the new argument name and the provider pinned in the image."),
        ("{P} web UI times out when opening {x}", "The DAG has 4 000 dynamic tasks and the grid view loads all.",
         "Tasks grouped into task groups; the page opens in 2 s."),
    ],
    "mlflow": [
        ("{P} registry returns 500 on stage transitions of {x}", "Models with over 1 000 versions time out in the "
         "registry query.", "Old versions archived and the registry query indexed; transitions work again."),
        ("{P} serving latency up for {x}", "p95 went from 200 ms to 2 s after the endpoint scaled to zero at night.",
         "Minimum of one replica kept warm; p95 back to 210 ms."),
        ("{P} runs of {x} lose their artifacts", "The artifact store credentials expired on {n} of the runs.",
         "Credentials moved to a service principal that does not expire; the runs logged again."),
        ("{P} autologging crashes training of {x}", "The autolog version does not match the training library.",
         "Library pinned to the supported version; training completes with autologging on."),
        ("Predictions of {x} on {P} are all null", "The input schema changed and the signature check drops "
         "every row.", "Model re-logged with the new signature; predictions flow again."),
    ],
    "sql-warehouse": [
        ("{P}: queries on {x} queue for more than {n} minutes", "Max clusters is 2; the morning peak needs 6.",
         "Max clusters raised to 6 with queue-based scaling; queue time under 30 s at 9:00."),
        ("{P} query on {x} fails with out of memory", "One join explodes: a missing filter on the date partition.",
         "Query rewritten with the partition filter; it runs in 40 s."),
        ("{P} result cache serves stale numbers to {x}", "The cache kept results across the "
         "source table's overwrite.", "Dashboards refresh with the cache bypassed after each load."),
        ("{P} cold start takes {n} minutes for {x}", "Serverless was off and the warehouse stops after 10 min.",
         "Auto-stop raised to 45 min during office hours; the first query starts in seconds."),
        ("{P} driver disconnects during {x} refresh", "The BI tool's connection pool keeps idle sessions past "
         "the timeout.", "Idle timeout aligned with the warehouse; refreshes complete."),
    ],
    "unity-catalog": [
        ("{P} grants not applied to {x}", "The grant went to a group whose name differs by one character.",
         "SELECT granted to the right group and the stale grant removed."),
        ("{P} lineage missing for {x}", "The tables are written by a cluster in no-isolation mode.",
         "Cluster moved to shared access mode; lineage shows up for new writes."),
        ("External location of {x} unreachable in {P}", "The storage credential's role lost its bucket policy.",
         "Bucket policy restored and pinned in the infrastructure code."),
        ("{P} rejects writes to {x}: owner is a deleted user", "Ownership stayed with a leaver's account.",
         "Ownership moved to the team's group; writes go through."),
        ("{P} row filter on {x} hides every row", "The filter function compares against the wrong group name.",
         "Function fixed and tested with every group; rows visible to the right users."),
    ],
    "jobs": [
        ("{x} on {P} fails with OutOfMemoryError", "The input grew {n} times after a new source was added.",
         "Cluster sized up and the input processed in daily slices; the run takes 25 min."),
        ("{x} on {P} runs twice every night", "Two schedules were left after the job was copied.",
         "Duplicate schedule removed; one run a night since."),
        ("{P} run of {x} hangs at the last stage", "One skewed key holds 40% of the rows.",
         "Key salted before the join; the stage finishes in minutes."),
        ("{x} cannot start: {P} cluster quota reached", "Idle all-purpose clusters held the quota.",
         "Job moved to a job cluster and idle clusters auto-terminate after 30 min."),
        ("{x} on {P} writes empty files", "An upstream filter changed and excludes every row.",
         "Filter corrected and a row-count check added before the write."),
    ],
    "delta-live-tables": [
        ("{P}: schema evolution fails in {x}", "A column changed type from int to string upstream.",
         "Column cast explicitly and the schema hint added; the pipeline runs through."),
        ("{P} expectations drop most rows in {x}", "The expectation compares timestamps in different time zones.",
         "Expectation rewritten in UTC; dropped rows back under 0.1%."),
        ("{x} on {P} stuck in initializing", "The pipeline's cluster policy asks for a retired node type.",
         "Policy updated to a current node type; the update starts in 4 min."),
        ("{P} full refresh of {x} takes {n} hours", "Every refresh re-reads two years of raw files.",
         "Source switched to Auto Loader with file notifications; refreshes take 20 min."),
        ("{P} CDC in {x} applies changes out of order", "The sequence column has ties for updates in one second.",
         "Sequence by the log position instead of the timestamp; order correct."),
    ],
    "databricks-workspace": [
        ("{P} sign-in slow for users of {x}", "The identity provider's token endpoint answers in 20 s.",
         "Provider failover fixed by the identity team; sign-in takes 2 s."),
        ("{x} in the {P} fails to start", "The init script downloads from a host that moved.",
         "Script points at the internal mirror; clusters start in 5 min."),
        ("{P} notebooks lose their state on {x}", "The cluster restarts every night for patching.",
         "Patching window moved to Sunday and announced."),
        ("{x} blocks library installs in the {P}", "The policy forbids the PyPI mirror by mistake.",
         "Policy corrected to allow the mirror; installs work."),
        ("{P} disk quota exceeded on {x}", "Checkpoints of old experiments fill the local disk.",
         "Checkpoints moved to a volume; local disk at 30%."),
    ],
}
GENERIC_CASES = [
    ("{P} returns HTTP 500 for {x}", "A certificate in the chain expired overnight.",
     "Certificate renewed and its expiry added to monitoring."),
    ("{P} slow for {x} since {hour}:00", "A noisy neighbour saturates the shared network link.",
     "Traffic moved to a dedicated link; latency back to normal."),
    ("{x} cannot reach {P}", "A firewall rule was removed in the last change window.", "Firewall rule restored."),
]
