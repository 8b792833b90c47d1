print("zkafka")
