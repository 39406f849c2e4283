variable "v" {
  default = "x"
}
resource "terraform_data" "a" {
  provisioner "local-exec" {
    when    = destroy
    command = var.v
  }
}
