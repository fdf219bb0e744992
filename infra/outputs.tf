output "worklog_bucket" {
  description = "Bucket that holds the worklogs."
  value       = google_storage_bucket.worklogs.name
}

output "worklogs_url" {
  description = "Where the job writes (LOG_GARDENER_OUT). Worklogs are <service>/<YYYY>/<MM>/<DD>/<HH>00Z.md under it."
  value       = "gs://${google_storage_bucket.worklogs.name}/${var.worklog_prefix}"
}

output "job_name" {
  description = "The Cloud Run job."
  value       = google_cloud_run_v2_job.log_gardener.name
}

output "job_service_account" {
  description = "Account the job runs as: logging.viewer on the project, objectUser on the worklog bucket, secretAccessor on the key secret."
  value       = google_service_account.job.email
}

output "scheduler_service_account" {
  description = "Account Cloud Scheduler starts the job as: run.invoker on the job only."
  value       = google_service_account.scheduler.email
}

output "build_service_account" {
  description = "Account Cloud Build runs cloudbuild.yaml as."
  value       = google_service_account.build.email
}

output "image_repository" {
  description = "Artifact Registry path the build pushes to."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "github_key_secret" {
  description = "Secret Manager secret to add the GitHub App private key to."
  value       = google_secret_manager_secret.github_app_key.secret_id
}

output "build_command" {
  description = "Builds, tests and deploys the current commit (run from the repository root)."
  value = join(" ", [
    "gcloud builds submit",
    "--project=${var.project_id}",
    "--region=${var.region}",
    "--config=cloudbuild.yaml",
    "--service-account=${google_service_account.build.id}",
    "--gcs-source-staging-dir=gs://${google_storage_bucket.build_sources.name}/source",
    "--substitutions=COMMIT_SHA=$(git rev-parse HEAD),_REGION=${var.region},_REPOSITORY=${google_artifact_registry_repository.images.repository_id},_JOB=${google_cloud_run_v2_job.log_gardener.name}",
  ])
}

output "run_command" {
  description = "Starts the job once, outside the schedule."
  value       = "gcloud run jobs execute ${google_cloud_run_v2_job.log_gardener.name} --project=${var.project_id} --region=${var.region} --wait"
}
