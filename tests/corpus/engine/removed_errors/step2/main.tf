resource "terraform_data" "kept" {
  input = "kept"
}

removed {
  from = terraform_data.kept

  lifecycle {
    destroy = false
  }
}
