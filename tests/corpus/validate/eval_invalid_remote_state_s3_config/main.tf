# The s3 backend's PrepareConfig checks, as terraform validate runs them on a wholly known config.
data "terraform_remote_state" "no_region" {
  backend = "s3"
  config = {
    bucket = "b"
    key    = "k"
  }
}
data "terraform_remote_state" "key_slash" {
  backend = "s3"
  config = {
    bucket = "b"
    key    = "/k/"
    region = "us-east-1"
  }
}
data "terraform_remote_state" "key_double" {
  backend = "s3"
  config = {
    bucket = "b"
    key    = "a//k"
    region = "us-east-1"
  }
}
data "terraform_remote_state" "empty_bucket_bad_key" {
  backend = "s3"
  config = {
    bucket = " "
    key    = "/a//k"
    region = "us-east-1"
  }
}
data "terraform_remote_state" "null_key" {
  backend = "s3"
  config = {
    bucket = "b"
    key    = null
    region = ""
  }
}
