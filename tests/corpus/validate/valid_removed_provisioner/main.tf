removed {
  from = terraform_data.z
  lifecycle {
    destroy = true
  }
  connection {
    host = "x"
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo ${self.id}"
  }
}
