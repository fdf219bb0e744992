# The GitHub App private key. Terraform creates the secret, never the key: add the key out of
# band, so it is never in Terraform state or plan output:
#   gcloud secrets versions add <github_key_secret_id> --data-file=<app>.private-key.pem

resource "google_secret_manager_secret" "github_app_key" {
  project   = var.project_id
  secret_id = var.github_key_secret_id

  replication {
    auto {}
  }

  labels = {
    app = "log-gardener"
  }

  depends_on = [google_project_service.enabled]
}

# Cloud Run refuses to create a job that mounts a secret with no version, so Terraform adds a
# placeholder as version 1. It is not a key and is the only value of this secret Terraform ever
# holds. The job mounts "latest": until the real key is added as a newer version, runs fail to
# authenticate to GitHub, and say so.
resource "google_secret_manager_secret_version" "github_app_key_placeholder" {
  secret      = google_secret_manager_secret.github_app_key.id
  secret_data = "placeholder, not a key: add the GitHub App private key as a new version (README, Deploy, step 4)"

  lifecycle {
    # Disabling the placeholder once the key is in is good hygiene; apply must not undo it.
    ignore_changes = [enabled]
  }
}

# Only the job's account may read the key, and only this secret.
resource "google_secret_manager_secret_iam_member" "job_reads_github_key" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.github_app_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.job.email}"
}
