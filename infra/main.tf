locals {
  bucket_name = coalesce(var.bucket_name, "${var.project_id}-log-gardener")

  # The GitHub App key is mounted as a file; LOG_GARDENER_GITHUB_PRIVATE_KEY_FILE points at it.
  github_key_mount_path = "/secrets/github-app"
  github_key_file       = "private-key.pem"

  # The job stops reading in time to publish before Cloud Run ends the task.
  deadline_seconds = tonumber(trimsuffix(var.task_timeout, "s")) - 300

  apis = [
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudscheduler.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]
}

resource "google_project_service" "enabled" {
  for_each = toset(local.apis)

  project = var.project_id
  service = each.value

  # Other things in the project may use these APIs too.
  disable_on_destroy = false
}

# One identity per role: the job itself, the scheduler that starts it, the build that ships it.

resource "google_service_account" "job" {
  project      = var.project_id
  account_id   = "${var.job_name}-run"
  display_name = "Log Gardener job"
  description  = "Runs the ${var.job_name} Cloud Run job: reads logs, writes worklogs, reads the GitHub App key."

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "${var.job_name}-sched"
  display_name = "Log Gardener scheduler"
  description  = "Cloud Scheduler starts the ${var.job_name} job as this account; it may only run that job."

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "${var.job_name}-build"
  display_name = "Log Gardener build"
  description  = "Cloud Build runs cloudbuild.yaml as this account: pushes the image and points the job at it."

  depends_on = [google_project_service.enabled]
}
