/**
 * The synthetic fraud-transactions generator behind the lifecycle demo and the examples.
 *
 * @module
 */
export { generateTransactions, transactionDrift, transactionsToCSV, TRANSACTION_FEATURES, TRANSACTION_TARGET, type Transaction, type TransactionOptions } from './transactions';
