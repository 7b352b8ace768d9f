"""Seed and bulk data generators: demo scenarios for `flask seed` and the benchmark data set.

Not a service on purpose. `app.services` is the only place for business rules, and writes there
go through them; the large scenario (`bulk_data`, `bulk_plan`, `bulk_history`, `bulk_stories`, `bulk_talk` and
the text modules `bulk_texts`, `bulk_incidents`, `bulk_roadmap`) instead
builds whole store tables as Arrow tables and writes them in bulk with `app.store.bulk`, bypassing
the service rules (validation, permissions, version checks) so that 50 000 items with their events,
comments and votes load quickly, for demo and benchmark data. It uses the services' read-only pieces
(the state machines) so the histories it invents are ones the workflows allow. The default scenario
(`demo_data`) drives `WorkItemService` itself, so its events are real ones.
"""
