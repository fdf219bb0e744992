# The worklog bucket. Objects live under <worklog_prefix>/ (see src/core/report/object-keys.ts):
#   <service>/<YYYY>/<MM>/<DD>/<HH>00Z.md and .json, index.md   worklogs
#   _state/<service>/miner.json                                  rewritten every run
#   _locks/<service>/<window>.lock                               one per service and hour

resource "google_storage_bucket" "worklogs" {
  project  = var.project_id
  name     = local.bucket_name
  location = upper(var.region)

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Old worklogs go. The state files are rewritten every hour, so their age never gets there
  # while a service is tended.
  lifecycle_rule {
    condition {
      age            = var.worklog_retention_days
      matches_prefix = ["${var.worklog_prefix}/"]
      with_state     = "LIVE"
    }
    action {
      type = "Delete"
    }
  }

  # Run locks matter only while a window can still be retried.
  lifecycle_rule {
    condition {
      age            = 7
      matches_prefix = ["${var.worklog_prefix}/_locks/"]
      with_state     = "LIVE"
    }
    action {
      type = "Delete"
    }
  }

  # Each run deletes its locks when it ends; their old versions are of no use to anyone.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 1
      matches_prefix             = ["${var.worklog_prefix}/_locks/"]
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_version_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      num_newer_versions = var.noncurrent_versions_to_keep
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

# The job reads, writes and replaces objects in this bucket and nowhere else.
resource "google_storage_bucket_iam_member" "job_uses_worklogs" {
  bucket = google_storage_bucket.worklogs.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.job.email}"
}
