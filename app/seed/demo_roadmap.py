"""The default demo scenario's improvements and platform requests (the roadmap's cards), told like demo_texts."""

from __future__ import annotations

from app.seed.demo_texts import imp, req

IMPROVEMENTS = [
    imp("Auto-scale SQL warehouses on queue depth", "sql-warehouse", 18, 14 * 24, "p2",
         "Warehouses idle at night and queue at 9am", "Lower cost and fast mornings",
         ("under_review", "@carol", "planned",
          ("carol", "After the 9am queueing incident: we start with the BI warehouse."), "in_progress"), votes=6),
    imp("Self-service schema creation in Unity Catalog", "unity-catalog", 42, 30 * 24, "p2",
         "Teams wait days for a schema", "Teams onboard in minutes",
         ("under_review", "@grace", "planned", "in_progress",
          ("grace", "Terraform module and request form are live for two pilot teams."), "done"), votes=6),
    imp("Cost dashboard per team", "", 27, 10 * 24, "p3", "Nobody knows what their jobs cost",
         "Teams can act on their own spend",
         (("bob", "Finance asks us for these numbers every quarter."), "under_review", "@erin"), votes=7),
    imp("Templates for new Airflow DAGs", "airflow", 38, 20 * 24, "p3", "Every team copies an old DAG",
         "Fewer broken DAGs and alerts from day one",
         ("under_review", "@dave", "planned",
          ("dave", "We will ship a cookiecutter with retries, SLAs and alerting set.")), votes=4),
    imp("Alert on Kafka consumer lag before users notice", "kafka", 23, 3 * 24, "p2", "Users find lag before us",
         "We find it first", ("under_review", "@heidi",
                              ("heidi", "Lag alerts would have caught the clickstream incident two hours earlier."),
                              "planned"), votes=3),
    imp("Retention policy for old table versions", "", 50, 9 * 24, "p4", "Old table versions pile up",
         "Cheaper storage", ("under_review", "@erin",
                             "declined: Managed tables already get predictive optimization, which vacuums old "
                             "versions; a second policy would fight it.")),
    imp("Faster cold start for MLflow model serving", "mlflow", 6, 3 * 24, "p3",
         "Endpoints that scaled to zero take 40 s to answer", "Scale-to-zero becomes usable for APIs",
         (("frank", "Our p95 after scale-to-zero is 40 s; we keep one replica warm for now."),), votes=2),
    imp("Lineage view for datasets in Unity Catalog", "unity-catalog", 58, 5 * 24, "p3",
         "Nobody knows which jobs feed a table", "Safer schema changes",
         ("declined: Unity Catalog already shows lineage on every table page (Lineage tab); a how-to is now in "
          "the docs.",), votes=1),
]

REQUESTS = [
    req("New schema for the marketing team", "unity-catalog", 15, 6 * 24, "p3",
         "The marketing analytics project starts next month", "Owners: the marketing-data group.",
         ("triaged", "@grace", "approved", "in_progress",
          ("grace", "Schema `marketing_analytics` created; owners: marketing-data."), "fulfilled")),
    req("Service principal for the billing pipeline", "jobs", 8, 4 * 24, "p2",
         "The billing job must not run under a personal token", "It runs the `billing_daily` job only.",
         ("triaged", "@dave", "approved",
          ("dave", "`sp-billing-pipeline` will get CAN_MANAGE_RUN on the billing job, nothing else."))),
    req("GPU cluster quota for data science", "databricks-workspace", 30, 10 * 24, "p3",
         "Model training needs 8 more GPUs", "For the recommender retraining, two nights a week.",
         ("triaged", "@frank", "rejected: This quarter's GPU budget is spent; use the shared GPU pool at "
          "weekends and resubmit in January with the training schedule.")),
    req("Access to the sales gold tables for finance", "unity-catalog", 4, 2 * 24, "p2",
         "Quarterly close reporting", "Read access to `sales.gold` for the finance analysts group.",
         ("triaged", "@grace", ("bob", "We need it before the close on the 15th."), "approved", "in_progress"),
         votes=2, needed_in=10),
    req("Kafka topic for payment events", "kafka", 11, 8 * 24, "p2", "The new payment service goes live",
         "About 200 events a second at peak, 7 days of retention.",
         ("triaged", "@heidi", "approved", "in_progress",
          ("heidi", "Topic `payments.events.v1` created with 12 partitions and 7 days of retention."), "fulfilled")),
    req("Dedicated SQL warehouse for the exec dashboard", "sql-warehouse", 2, 3, "p3",
         "The dashboard competes with ad-hoc queries", "A small serverless warehouse for the exec dashboard only.",
         votes=3),
    req("Airflow connection to the new CRM database", "airflow", 0.8, 1, "p3", "The CRM sync moves to Airflow",
         "Read-only user on `crm-prod`, stored in the Airflow secrets backend."),
    req("MLflow experiment space for the pricing team", "mlflow", 36, 2 * 24, "p4",
         "The pricing team starts tracking its models", "One experiment folder with team permissions.",
         (("author", "We will use the data science team's space instead."), "cancelled")),
]
