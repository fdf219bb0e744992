# The hourly job. Configuration reaches it only through the environment (see
# docs/configuration.md); test/ship/terraform-drift.test.ts checks these env blocks against SETTINGS in
# src/config.ts. CLOUD_RUN_TASK_INDEX and CLOUD_RUN_TASK_COUNT are set by Cloud Run itself.

resource "google_cloud_run_v2_job" "log_gardener" {
  project  = var.project_id
  name     = var.job_name
  location = var.region

  deletion_protection = var.deletion_protection

  labels = {
    app = "log-gardener"
  }

  template {
    task_count  = var.task_count
    parallelism = var.parallelism

    template {
      service_account = google_service_account.job.email
      timeout         = var.task_timeout
      max_retries     = var.max_retries

      containers {
        image = var.image

        resources {
          limits = {
            cpu    = var.cpu
            memory = var.memory
          }
        }

        env {
          name  = "LOG_GARDENER_PROJECT"
          value = var.project_id
        }
        env {
          name  = "LOG_GARDENER_SERVICES"
          value = join(",", var.services)
        }
        env {
          name  = "LOG_GARDENER_OUT"
          value = "gs://${google_storage_bucket.worklogs.name}/${var.worklog_prefix}"
        }
        env {
          name  = "LOG_GARDENER_MIN_SEVERITY"
          value = var.min_severity
        }
        env {
          name  = "LOG_GARDENER_LOG_LEVEL"
          value = var.log_level
        }
        env {
          name  = "LOG_GARDENER_DEADLINE"
          value = "${local.deadline_seconds}s"
        }
        env {
          name  = "LOG_GARDENER_GITHUB_APP_ID"
          value = var.github_app_id
        }
        env {
          name  = "LOG_GARDENER_GITHUB_REPO"
          value = var.github_repo
        }
        env {
          name  = "LOG_GARDENER_GITHUB_PRIVATE_KEY_FILE"
          value = "${local.github_key_mount_path}/${local.github_key_file}"
        }

        volume_mounts {
          name       = "github-app-key"
          mount_path = local.github_key_mount_path
        }
      }

      volumes {
        name = "github-app-key"
        secret {
          secret = google_secret_manager_secret.github_app_key.secret_id
          items {
            version = "latest"
            path    = local.github_key_file
          }
        }
      }
    }
  }

  lifecycle {
    # Cloud Build deploys new images by digest (cloudbuild.yaml); re-applying must not roll
    # the job back to var.image.
    ignore_changes = [
      template[0].template[0].containers[0].image,
      client,
      client_version,
    ]
  }

  depends_on = [
    google_project_service.enabled,
    google_secret_manager_secret_iam_member.job_reads_github_key,
    google_secret_manager_secret_version.github_app_key_placeholder,
  ]
}

# Reading logs, and the entry counts of logging.googleapis.com/log_entry_count that size the
# sample of a busy window (docs/sampling.md), are the job's two project-wide permissions.
resource "google_project_iam_member" "job_reads_logs" {
  project = var.project_id
  role    = "roles/logging.viewer"
  member  = "serviceAccount:${google_service_account.job.email}"
}

resource "google_project_iam_member" "job_reads_entry_counts" {
  project = var.project_id
  role    = "roles/monitoring.viewer"
  member  = "serviceAccount:${google_service_account.job.email}"
}
