# Every hour Cloud Scheduler calls the Cloud Run Admin API's jobs/JOB:run with an OAuth token of
# its own account, which may run this one job and nothing else.

resource "google_cloud_run_v2_job_iam_member" "scheduler_runs_job" {
  project  = google_cloud_run_v2_job.log_gardener.project
  location = google_cloud_run_v2_job.log_gardener.location
  name     = google_cloud_run_v2_job.log_gardener.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_scheduler_job" "hourly" {
  project     = var.project_id
  region      = var.region
  name        = "${var.job_name}-hourly"
  description = "Starts the ${var.job_name} Cloud Run job."
  schedule    = var.schedule
  time_zone   = var.time_zone

  # Starting an execution returns at once; the job's own retries handle task failures.
  attempt_deadline = "60s"

  retry_config {
    retry_count          = 2
    min_backoff_duration = "30s"
  }

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${var.project_id}/locations/${var.region}/jobs/${google_cloud_run_v2_job.log_gardener.name}:run"

    oauth_token {
      service_account_email = google_service_account.scheduler.email
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_cloud_run_v2_job_iam_member.scheduler_runs_job,
  ]
}
