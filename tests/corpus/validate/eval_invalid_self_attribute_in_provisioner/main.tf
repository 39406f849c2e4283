resource "terraform_data" "a" {
  input = "x"
  provisioner "local-exec" {
    command = self.nope
  }
  connection {
    host = self.input
  }
}
resource "terraform_data" "b" {
  input = terraform_data.a.input.foo
}
resource "terraform_data" "c" {
  input = terraform_data.a[0]
}
output "o" {
  value = terraform_data.a.*.id
}
