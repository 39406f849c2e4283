removed {
  from = terraform_data.x
  provisioner "local-exec" {
    command = "x"
  }
}
