# The GitHub App private key. Terraform creates the secret but never a version, so the key is
# never in Terraform state or plan output. Add it out of band:
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

# Only the job's account may read the key, and only this secret.
resource "google_secret_manager_secret_iam_member" "job_reads_github_key" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.github_app_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.job.email}"
}
