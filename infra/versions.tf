# Log Gardener on Cloud Run Jobs: one `terraform apply` creates everything the hourly job needs.
# See docs/deploy.md for the order of steps (GitHub App, apply, key, build, first run).

terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
