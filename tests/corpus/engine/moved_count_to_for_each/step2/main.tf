resource "terraform_data" "worker" {
  for_each = { blue = 0, green = 1, extra = 2 }
  input    = "worker-${each.value}"
}

moved {
  from = terraform_data.worker[0]
  to   = terraform_data.worker["blue"]
}

moved {
  from = terraform_data.worker[1]
  to   = terraform_data.worker["green"]
}

resource "terraform_data" "solo" {
  count = 1
  input = "solo"
}
