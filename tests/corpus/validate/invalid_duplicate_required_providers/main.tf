terraform {
  required_providers {
    a = { source = "acme/a" }
  }
}
terraform {
  required_providers {
    b = { source = "acme/b" }
  }
}
