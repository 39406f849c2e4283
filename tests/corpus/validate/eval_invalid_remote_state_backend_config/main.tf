# terraform_remote_state's config is coerced to the backend's schema by terraform
# validate when it is wholly known; defaults must be an object.
data "terraform_remote_state" "local_argument" {
  backend = "local"
  config = {
    pathh = "x.tfstate"
  }
}

data "terraform_remote_state" "local_type" {
  backend = "local"
  config = {
    path = ["x"]
  }
}

data "terraform_remote_state" "pg_argument" {
  backend = "pg"
  config = {
    conn_str   = "postgres://x"
    schema_nam = "y"
  }
}

data "terraform_remote_state" "s3_argument" {
  backend = "s3"
  config = {
    bucket  = "b"
    key     = "k"
    region  = "us-east-1"
    buckett = "x"
  }
}

data "terraform_remote_state" "not_object" {
  backend = "local"
  config  = "x"
}

variable "backend" {
  type = string
}

data "terraform_remote_state" "not_object_unknown_backend" {
  backend = var.backend
  config  = "x"
}

data "terraform_remote_state" "defaults" {
  backend  = "local"
  defaults = "x"
}

data "terraform_remote_state" "s3_required" {
  backend = "s3"
  config = {
    bucket = "b"
    region = "us-east-1"
  }
}

data "terraform_remote_state" "local_empty_path" {
  backend = "local"
  config = {
    path = ""
  }
}

data "terraform_remote_state" "local_empty_workspace_dir" {
  backend = "local"
  config = {
    workspace_dir = ""
  }
}
