data "terraform_remote_state" "1x" {
  backend = "local"
}
