"""Storage: one narrow interface (base.Store), an embedded Delta implementation and a Databricks SQL one."""
