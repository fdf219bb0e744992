variable "project_id" {
  description = "Google Cloud project that runs the job and whose Cloud Run services' logs are read."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of the Cloud Run job, its scheduler, the image repository and the worklog bucket."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as us-central1 or europe-west1."
  }
}

variable "job_name" {
  description = "Name of the Cloud Run job. Its service accounts are named after it (<job_name>-run, -sched, -build)."
  type        = string
  default     = "log-gardener"

  validation {
    # 24 characters at most, so that "<job_name>-sched" still fits a 30-character account id.
    condition     = can(regex("^[a-z][-a-z0-9]{2,22}[a-z0-9]$", var.job_name))
    error_message = "job_name must be 4 to 24 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen."
  }
}

variable "services" {
  description = "Cloud Run services whose logs the job tends (resource.labels.service_name). Tasks split them between themselves."
  type        = list(string)

  validation {
    condition     = length(var.services) > 0 && alltrue([for s in var.services : can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", s))])
    error_message = "services must list at least one Cloud Run service name (lowercase letters, digits and hyphens)."
  }
}

variable "github_app_id" {
  description = "Numeric id of the GitHub App the job acts as (the App's settings page, \"App ID\")."
  type        = string

  validation {
    condition     = can(regex("^[0-9]+$", var.github_app_id))
    error_message = "github_app_id must be the App's numeric id, e.g. \"123456\"."
  }
}

variable "github_repo" {
  description = "Repository, as owner/name, where the job opens and updates issues. The App must be installed on it."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$", var.github_repo))
    error_message = "github_repo must be owner/name, e.g. \"acme/shop\"."
  }
}

variable "github_key_secret_id" {
  description = "Secret Manager secret that holds the GitHub App private key (PEM). Terraform creates it empty; add the key as a version yourself."
  type        = string
  default     = "log-gardener-github-app-key"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.github_key_secret_id))
    error_message = "github_key_secret_id may use letters, digits, hyphens and underscores (at most 255)."
  }
}

variable "min_severity" {
  description = "Lowest log severity the job clusters."
  type        = string
  default     = "WARNING"

  validation {
    condition     = contains(["DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"], var.min_severity)
    error_message = "min_severity must be one of DEFAULT, DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY."
  }
}

variable "log_level" {
  description = "The job's own log level."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be one of debug, info, warn, error."
  }
}

variable "bucket_name" {
  description = "Name of the worklog bucket. Default: <project_id>-log-gardener."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][-a-z0-9_.]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid bucket name: 3 to 63 lowercase letters, digits, hyphens, underscores or dots."
  }
}

variable "worklog_prefix" {
  description = "Folder in the bucket under which worklogs and the job's state are written."
  type        = string
  default     = "worklogs"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]$", var.worklog_prefix)) && !strcontains(var.worklog_prefix, "//")
    error_message = "worklog_prefix must be a folder path without leading or trailing slashes, e.g. \"worklogs\"."
  }
}

variable "worklog_retention_days" {
  description = "Worklogs older than this many days are deleted (they stay recoverable as noncurrent versions for noncurrent_version_retention_days)."
  type        = number
  default     = 365

  validation {
    condition     = var.worklog_retention_days >= 7
    error_message = "worklog_retention_days must be at least 7."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Overwritten or deleted objects are kept as noncurrent versions for this many days."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 1
    error_message = "noncurrent_version_retention_days must be at least 1."
  }
}

variable "noncurrent_versions_to_keep" {
  description = "At most this many noncurrent versions are kept per object (the state files are rewritten every hour)."
  type        = number
  default     = 48

  validation {
    condition     = var.noncurrent_versions_to_keep >= 1
    error_message = "noncurrent_versions_to_keep must be at least 1."
  }
}

variable "image" {
  description = "Image the job is created with. Cloud Build replaces it with the built image's digest, and Terraform then leaves the image alone. The default is Google's sample job, which only prints a line."
  type        = string
  default     = "us-docker.pkg.dev/cloudrun/container/job:latest"
}

variable "artifact_repository" {
  description = "Artifact Registry Docker repository that holds the job's images (cloudbuild.yaml's _REPOSITORY)."
  type        = string
  default     = "log-gardener"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.artifact_repository))
    error_message = "artifact_repository must be lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "images_to_keep" {
  description = "The cleanup policy always keeps this many most recent images; other images are deleted after image_retention_days."
  type        = number
  default     = 10

  validation {
    condition     = var.images_to_keep >= 1
    error_message = "images_to_keep must be at least 1 (the running image must survive cleanup)."
  }
}

variable "image_retention_days" {
  description = "Images beyond the most recent images_to_keep are deleted when older than this many days."
  type        = number
  default     = 30

  validation {
    condition     = var.image_retention_days >= 1
    error_message = "image_retention_days must be at least 1."
  }
}

variable "task_count" {
  description = "Tasks per execution. The services are sharded across tasks (each task tends its share of var.services)."
  type        = number
  default     = 1

  validation {
    condition     = var.task_count >= 1 && var.task_count <= 100 && floor(var.task_count) == var.task_count
    error_message = "task_count must be a whole number from 1 to 100."
  }
}

variable "parallelism" {
  description = "Most tasks that run at once; 0 runs them all at once."
  type        = number
  default     = 0

  validation {
    condition     = var.parallelism >= 0 && floor(var.parallelism) == var.parallelism
    error_message = "parallelism must be a whole number, 0 or more."
  }
}

variable "max_retries" {
  description = "Times a failed task is retried within one execution. A retry is safe: publishing is idempotent per window."
  type        = number
  default     = 1

  validation {
    condition     = var.max_retries >= 0 && var.max_retries <= 10
    error_message = "max_retries must be between 0 and 10."
  }
}

variable "task_timeout" {
  description = "Longest a task may run, in seconds with an s suffix. The job's own deadline (LOG_GARDENER_DEADLINE) is set 5 minutes shorter, so it finishes publishing before Cloud Run stops it."
  type        = string
  default     = "3300s"

  validation {
    # At most 55 minutes: the job runs hourly, and its deadline must stay within the run lock's 50 minutes.
    condition     = can(regex("^[0-9]+s$", var.task_timeout)) && try(tonumber(trimsuffix(var.task_timeout, "s")) >= 600 && tonumber(trimsuffix(var.task_timeout, "s")) <= 3300, false)
    error_message = "task_timeout must be seconds with an s suffix, from \"600s\" to \"3300s\"."
  }
}

variable "cpu" {
  description = "CPU limit of a task, e.g. \"1\" or \"2\"."
  type        = string
  default     = "1"

  validation {
    condition     = contains(["1", "2", "4", "8"], var.cpu)
    error_message = "cpu must be one of 1, 2, 4 or 8."
  }
}

variable "memory" {
  description = "Memory limit of a task, e.g. \"1Gi\". Clustering holds one service's window in memory."
  type        = string
  default     = "1Gi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.memory))
    error_message = "memory must be a size in Mi or Gi, e.g. \"512Mi\" or \"2Gi\"."
  }
}

variable "schedule" {
  description = "Cron schedule of the job. The default runs five minutes past each hour, once the last full hour's logs have arrived."
  type        = string
  default     = "5 * * * *"

  validation {
    condition     = length(split(" ", trimspace(var.schedule))) == 5
    error_message = "schedule must be a five-field cron expression, e.g. \"5 * * * *\"."
  }
}

variable "time_zone" {
  description = "Time zone of the schedule (an IANA name). Worklogs are named in UTC whatever this is."
  type        = string
  default     = "Etc/UTC"
}

variable "deletion_protection" {
  description = "Refuse to destroy the Cloud Run job. Set to false and apply before `terraform destroy`."
  type        = bool
  default     = true
}
