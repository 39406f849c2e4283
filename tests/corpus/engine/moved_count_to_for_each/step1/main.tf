resource "terraform_data" "worker" {
  count = 2
  input = "worker-${count.index}"
}

resource "terraform_data" "solo" {
  input = "solo"
}
