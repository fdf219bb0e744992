# Shipping: the image repository, and what `gcloud builds submit` (cloudbuild.yaml) may touch.

resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = var.artifact_repository
  format        = "DOCKER"
  description   = "Log Gardener job images, tagged with the commit."

  cleanup_policy_dry_run = false

  # KEEP wins over DELETE: the newest images (the running one among them) always stay.
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.images_to_keep
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "${var.image_retention_days * 86400}s"
    }
  }

  depends_on = [google_project_service.enabled]
}

# `gcloud builds submit --gcs-source-staging-dir` uploads the source here; the build reads it.
resource "google_storage_bucket" "build_sources" {
  project  = var.project_id
  name     = "${local.bucket_name}-build"
  location = upper(var.region)

  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  lifecycle_rule {
    condition {
      age = 7
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_storage_bucket_iam_member" "build_reads_sources" {
  bucket = google_storage_bucket.build_sources.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.build.email}"
}

resource "google_artifact_registry_repository_iam_member" "build_pushes_images" {
  project    = google_artifact_registry_repository.images.project
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${google_service_account.build.email}"
}

# Updating the job's image: run.developer on this job only, and acting as the job's account.
resource "google_cloud_run_v2_job_iam_member" "build_deploys_job" {
  project  = google_cloud_run_v2_job.log_gardener.project
  location = google_cloud_run_v2_job.log_gardener.location
  name     = google_cloud_run_v2_job.log_gardener.name
  role     = "roles/run.developer"
  member   = "serviceAccount:${google_service_account.build.email}"
}

resource "google_service_account_iam_member" "build_acts_as_job" {
  service_account_id = google_service_account.job.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.build.email}"
}

# Builds with a user-specified account log to Cloud Logging only (cloudbuild.yaml's options).
resource "google_project_iam_member" "build_writes_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${google_service_account.build.email}"
}
